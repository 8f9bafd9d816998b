"""Benchmarks for the matching layer: dev-set builder, clustering metrics, threshold tuning."""
