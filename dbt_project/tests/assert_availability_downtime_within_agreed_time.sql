-- a row returned = an availability objective-period whose counted downtime exceeds its agreed
-- minutes, whose data minutes exceed them, or whose uptime disagrees with its minute counts
with

availability as (

    select * from {{ ref('int_availability_objectives_measured') }}

),

final as (

    select *
    from availability
    where
        down_minutes > agreed_minutes
        or data_minutes > agreed_minutes
        or agreed_minutes != period_minutes - excluded_minutes
        or unknown_minutes != agreed_minutes - data_minutes
        or (
            -- missing_data down counts the unknown minutes as downtime too
            data_minutes > 0
            and actual
            != cast(
                (
                    agreed_minutes - down_minutes
                    - case when missing_data = 'down' then unknown_minutes else 0 end
                ) * 100 as double
            ) / agreed_minutes
        )

)

select * from final
