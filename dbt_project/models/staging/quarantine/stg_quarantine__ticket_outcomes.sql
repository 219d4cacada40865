-- the rows of ticket_outcomes the ingestion rejected (text as delivered); event_at places a row
-- in time when its recorded_at can be read at all
{{ quarantined_rows('ticket_outcomes', ['ticket_id'], 'recorded_at') }}
