"""Spike alerts: detection (open/extend alerts), delivery to Slack, escalation."""

from jobs.alerts.delivery import CtxFactory, deliver_alerts, refresh_alert_messages
from jobs.alerts.detection import AlertEvent, check_spikes, check_topic, floor_bucket
from jobs.alerts.escalation import escalate

__all__ = [
    "AlertEvent",
    "CtxFactory",
    "check_spikes",
    "check_topic",
    "deliver_alerts",
    "escalate",
    "floor_bucket",
    "refresh_alert_messages",
]
