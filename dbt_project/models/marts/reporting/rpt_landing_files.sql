-- the file manifest: every landing file with its SHA-256 and row accounting (manifest.json)
-- (a view of the staging model; the contract in _reporting__models.yml states the columns)
select * from {{ ref('stg_landing__landing_files') }}
