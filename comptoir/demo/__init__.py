"""Demo data for the whole marketplace: `comptoir seed_demo --scale small|bench` (docs/demo.md)."""
