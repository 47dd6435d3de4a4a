"""`bpost` commands of use case 1: funds, SSIs and corporate information."""
