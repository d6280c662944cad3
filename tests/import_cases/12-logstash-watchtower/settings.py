# Records shipped to Logstash and CloudWatch, and a local file.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "logstash": {
            "level": "INFO",
            "class": "logstash.TCPLogstashHandler",
            "host": "logstash.internal",
            "port": 5959,
            "version": 1,
            "message_type": "django",
            "fqdn": False,
            "tags": ["billing"],
        },
        "watchtower": {
            "level": "INFO",
            "class": "watchtower.CloudWatchLogHandler",
            "log_group_name": "billing",
            "log_stream_name": "api",
        },
        "file": {"level": "WARNING", "class": "logging.FileHandler", "filename": "local.log"},
    },
    "loggers": {
        "billing": {"handlers": ["logstash", "watchtower"], "level": "INFO", "propagate": False},
        "": {"handlers": ["file"], "level": "INFO"},
    },
}
