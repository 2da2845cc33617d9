"""LibreOffice as a preview tool, and the font aliases that make it show 公文 fonts."""
