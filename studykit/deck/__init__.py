"""Card objects → an Anki package (genanki): note types, CSS, GUIDs, deck ids, media, atomic write."""
