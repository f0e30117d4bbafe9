"""A release: the gate, the dumps, the DCAT-AP catalogue, VoID and documentation, written
into a staging folder and published by moving `latest`."""
