"""matplotlib Figures from core results, without Qt: the app and the PDF report share them."""
