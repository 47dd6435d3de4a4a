"""`bpost` commands of the reference data: calendars, securities, prices, dividends."""
