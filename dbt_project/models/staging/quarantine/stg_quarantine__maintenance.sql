-- the rows of maintenance the ingestion rejected (text as delivered); event_at places a row in time
-- when its starts_at can be read at all (null otherwise: such a row may belong to any window)
{{ quarantined_rows('maintenance', ['service_id'], 'starts_at') }}
