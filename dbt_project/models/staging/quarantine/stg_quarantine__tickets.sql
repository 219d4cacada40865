-- the rows of tickets the ingestion rejected (text as delivered); event_at places a row in time
-- when its created_at can be read at all (null otherwise: such a row may belong to any window)
{{ quarantined_rows('tickets', ['ticket_id', 'agreement_id'], 'created_at') }}
