"""Six-monthly theme reports: periods, the sections a report is built from, its charts, its page,
PDF and CSV, and the job that builds one per audience and period."""
