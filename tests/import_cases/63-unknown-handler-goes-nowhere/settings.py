# A handler class whose arguments say nothing about where it writes (a chat webhook):
# written as a null handler, and its note says Python's records for it go nowhere
# after the import; the other handler still writes.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "chat": {
            "class": "myapp.handlers.ChatWebhookHandler",
            "webhook_url": "https://chat.example.com/hooks/abc",
            "channel": "#alerts",
            "level": "ERROR",
        },
        "file": {"class": "logging.FileHandler", "filename": "errors.log", "level": "ERROR"},
    },
    "loggers": {
        "payments": {"handlers": ["chat", "file"], "level": "INFO", "propagate": False},
    },
}
