"""watchtower sends to CloudWatch: nothing appears locally."""
import logging


class CloudWatchLogHandler(logging.Handler):
    def __init__(self, log_group_name=None, log_stream_name=None, **kwargs):
        super().__init__()

    def emit(self, record):
        pass
