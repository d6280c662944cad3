# A {-style format built with an f-string: {{...}} are the format's fields, {SERVICE}
# is filled in by Python when the settings module runs.
SERVICE = "billing"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "svc": {"format": f"{{levelname}} {SERVICE} {{name}}: {{message}}", "style": "{"},
    },
    "handlers": {"out": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "svc"}},
    "root": {"handlers": ["out"], "level": "WARNING"},
}
