{# ISO codes arrive in mixed case and padded from the orders service. #}
{% macro normalise_code(column_name) -%}
    upper(trim({{ column_name }}))
{%- endmacro %}
