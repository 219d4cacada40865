-- every definitions file with its SHA-256 (manifest.json)
-- (a view of the staging model; the contract in _reporting__models.yml states the columns)
select * from {{ ref('stg_definitions__definition_files') }}
