"""Shared reference data: market calendars, securities, closing prices, dividends."""
