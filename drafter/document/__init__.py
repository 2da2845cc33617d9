"""The Document model (the hinge between content and form), the 公文 grammars of heading numbers and dates, readers of text and Word files into it, and its measure."""
