"""Domain logic. Nothing here imports aiogram: every service is testable on its own."""
