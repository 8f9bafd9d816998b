"""Operating the service: `/health` for monitors (health.py) and the admins' page of failed jobs
(views.py). Sits above jobs, whose state it shows."""
