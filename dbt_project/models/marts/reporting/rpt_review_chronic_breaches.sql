-- the chronic-breach rule's rows as of each review's last period, with the names of the
-- objectives each row counts (comma-separated in objective order); objective_order (the first
-- counted objective's) orders them and is not shown. is_at_risk: one breach short of the right
with

reviews as (

    select * from {{ ref('rpt_reviews') }}

),

chronic_breaches as (

    select * from {{ ref('chronic_breaches') }}

),

objective_periods as (

    select * from {{ ref('objective_periods') }}

),

subject_names as (

    select
        chronic_breaches.agreement_id,
        chronic_breaches.period_key,
        chronic_breaches.objectives,
        {{ ordered_text_agg(
            'objective_periods.objective_name', "', '", 'objective_periods.objective_order'
        ) }} as objective_name,
        min(objective_periods.objective_order) as objective_order,
    from chronic_breaches
    inner join objective_periods
        on
            chronic_breaches.agreement_id = objective_periods.agreement_id
            and chronic_breaches.period_key = objective_periods.period_key
            and {{ list_has(
                split_text('chronic_breaches.objectives', "','"), 'objective_periods.objective_id'
            ) }}
    group by 1, 2, 3

),

final as (

    select
        reviews.review_period_key,
        chronic_breaches.*,
        subject_names.objective_name,
        subject_names.objective_order,
        (
            not chronic_breaches.has_termination_right
            and chronic_breaches.breaches_required - chronic_breaches.breaches_in_window = 1
        ) as is_at_risk,
    from reviews
    inner join chronic_breaches
        on
            reviews.agreement_id = chronic_breaches.agreement_id
            and reviews.last_period_key = chronic_breaches.period_key
    left join subject_names
        on
            chronic_breaches.agreement_id = subject_names.agreement_id
            and chronic_breaches.period_key = subject_names.period_key
            and chronic_breaches.objectives = subject_names.objectives

)

select * from final
