-- one row per agreement: the review pack's cover (parties, cadence, responsibilities, escalation)
-- (a view of the staging model; the contract in _reporting__models.yml states the columns)
select * from {{ ref('stg_definitions__agreements') }}
