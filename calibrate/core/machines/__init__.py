"""Machine raters: a model's decisions on the golden cases, checked and scored beside the
humans (docs/machine-raters.md). Pure Python + numpy: the rows come in as text, the
scores go out as numbers."""
