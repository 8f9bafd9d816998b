"""Cases: which reports belong together, the history of every case, and the errors case rules
raise. Below both matching (which groups reports automatically) and triage and publishing
(which staff drive); it knows nothing of either."""
