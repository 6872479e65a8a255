"""The lead dashboard's computations, one module per kind of section; the public entry is
`calibrate.core.lead.compute.compute_dashboard`."""
