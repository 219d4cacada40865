{#- The counts of a group of rpt_reconciliation rows: tickets, agreeing, and the disagreements
    per likely cause (the causes rpt_reconciliation names). Used by its summary and overview. -#}
{% macro reconciliation_counts() %}
        count(*) as tickets,
        count(*) filter (where agrees) as agreeing,
        count(*) filter (where cause = 'pause_handling') as pause_handling,
        count(*) filter (where cause = 'reopened') as reopened,
        count(*) filter (where cause = 'missing_or_late_resolution')
            as missing_or_late_resolution,
        count(*) filter (where cause = 'clock_start') as clock_start,
        count(*) filter (where cause = 'threshold') as threshold,
{% endmacro %}

{#- The same counts as published, with the agreement rate after agreeing: a percentage rounded
    once to 2 decimals (one division of exact counts). -#}
{% macro reconciliation_rates() %}
        tickets,
        agreeing,
        cast(round(100.0 * agreeing / tickets, 2) as decimal(5, 2)) as agreement_pct,
        pause_handling,
        reopened,
        missing_or_late_resolution,
        clock_start,
        threshold,
{% endmacro %}

{#- The counts of ``relation`` per ``keys`` and priority, and per ``keys`` over every priority
    (priority 'all'). -#}
{% macro reconciliation_by_priority(relation, keys) %}
    select
        {{ keys | join(', ') }},
        priority,
        {{ reconciliation_counts() }}
    from {{ relation }}
    group by {{ keys | join(', ') }}, priority
    union all
    select
        {{ keys | join(', ') }},
        'all' as priority,
        {{ reconciliation_counts() }}
    from {{ relation }}
    group by {{ keys | join(', ') }}
{% endmacro %}
