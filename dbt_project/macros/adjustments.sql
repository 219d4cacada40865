{#- Join condition: a ticket adjustment (`adjustment`, a row of int_adjustments_assessed of
    scope tickets) covers the ticket `ticket` (a relation with agreement_id and ticket_id) on
    the objective `objective_id`: it names the ticket and that objective, or all of them. -#}
{% macro adjustment_covers_ticket(adjustment, ticket, objective_id) -%}
    {{ ticket }}.agreement_id = {{ adjustment }}.agreement_id
    and {{ ticket }}.ticket_id = {{ adjustment }}.ticket_id
    and (
        {{ adjustment }}.objective_id = 'all'
        or {{ objective_id }} = {{ adjustment }}.objective_id
    )
{%- endmacro %}
