"""Word documents the office sends out (python-docx): reminder notices, agendas, minutes."""
