"""kpb: kostnad per brukare (KPB) for Swedish social services, exact to the öre."""

__version__ = "0.1.0"
