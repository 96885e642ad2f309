{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ generate_schema_name_for_env(custom_schema_name, node) }}
{%- endmacro %}

{# the project's own implementation wins over the package's duckdb__ one: dispatch searches pkgshop first #}
{% macro default__cents_to_units(column) -%}
    ({{ column }} / 100)
{%- endmacro %}
