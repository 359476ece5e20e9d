"""Click commands, one module per area; `studykit.cli` loads each only when it is invoked."""
