"""Use case 1: fund master data and lifecycle, standing settlement instructions, corporate
information."""
