"""Questions and answers: the question model, answers files, the interview session every front end drives, resume, and the terminal questionnaire."""
