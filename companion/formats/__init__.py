"""Files Companion reads and writes for others: timing files and exports."""
