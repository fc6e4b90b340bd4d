"""Presentational filters for who people are and where they are: a time zone by its name."""

from __future__ import annotations

from django import template

from config.zones import zone_label

register = template.Library()


@register.filter
def zone_name(zone: str | None) -> str:
    """`{{ user.tz|zone_name }}`: "Mountain Time (Boise)" for "America/Boise"."""
    return zone_label(zone) if zone else ""
