-- the rows of probes the ingestion rejected (text as delivered); event_at places a row in time
-- when its checked_at can be read at all (null otherwise: such a row may belong to any window)
{{ quarantined_rows('probes', ['service_id'], 'checked_at') }}
