"""The lead dashboard: filters, charts, tables, exports and imports."""
