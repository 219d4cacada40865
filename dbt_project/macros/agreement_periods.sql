{#-
    The calendar rules of an agreement's periods, stated once for the period grid
    (int_agreement_periods_enumerated) and the ticket clocks (int_ticket_clocks_computed).
-#}

{#- The key of the agreement period holding the date `day`: 2026-03, or 2026-Q1 for a
    quarterly agreement (`period` is the agreement's period, monthly or quarterly). -#}
{% macro period_key(period, day) -%}
    case
        when {{ period }} = 'quarterly'
            then {{ format_date(day, 'year') }} || '-Q' || quarter({{ day }})
        else {{ format_date(day, 'month') }}
    end
{%- endmacro %}

{#- Local midnight of `day` (a date, or a quoted date literal) in the zone `timezone`, as a naive
    UTC timestamp: where an agreement's day, period or version starts. -#}
{% macro local_midnight_at(timezone, day) -%}
    {{ local_to_utc(timezone, 'cast(' ~ day ~ ' as timestamp)') }}
{%- endmacro %}

{#- The date a version stops being in force: the next version's start, or its own end when
    that is earlier (the rule of Agreement.version_for in the definitions code); null while it
    is the latest, open-ended one. `versions` is the relation (alias) of the agreement's
    versions. -#}
{% macro version_in_force_until(versions) -%}
    least(
        {{ versions }}.effective_to,
        lead({{ versions }}.effective_from) over (
            partition by {{ versions }}.agreement_id order by {{ versions }}.effective_from
        )
    )
{%- endmacro %}
