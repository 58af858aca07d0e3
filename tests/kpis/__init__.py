"""Tests of the monthly KPI logging feature."""
