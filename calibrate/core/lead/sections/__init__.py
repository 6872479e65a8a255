"""The lead dashboard's sections: plain frozen data a chart, a table or a CSV export can use.

One module per kind of section, as `calibrate.core.lead` computes them (agreement, enforcement,
trend, items, completion) plus the headline. Every table section has `rows()` → (header,
list of tuples) for CSV (`rows.Rows`); numbers stay numbers (None where undefined), dates are
ISO strings. Conventions are in docs/dashboard-metrics.md.
"""
