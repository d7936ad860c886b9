"""Widgets shared by the tabs: job progress rows, error dialog, charts, gallery, lazy tables."""
