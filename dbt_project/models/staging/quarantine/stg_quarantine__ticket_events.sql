-- the rows of ticket_events the ingestion rejected (text as delivered); event_at places a row in
-- time when its changed_at can be read at all (null otherwise: such a row may belong to any window)
{{ quarantined_rows('ticket_events', ['ticket_id'], 'changed_at') }}
