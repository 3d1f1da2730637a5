"""Your own task, the way `fst train` finds it: a module in the current folder with a function that returns the Task
(`task: capitals:make_task` in the config). Examples, a verifier with feedback, a seed prompt."""
from fst_nb.core import Example
from fst_nb.tasks import Task, Score

CAPITALS = {'France': 'Paris', 'Japan': 'Tokyo', 'Italy': 'Rome', 'Spain': 'Madrid', 'Germany': 'Berlin', 'Egypt': 'Cairo',
            'Canada': 'Ottawa', 'Australia': 'Canberra', 'Brazil': 'Brasilia', 'Kenya': 'Nairobi', 'Peru': 'Lima',
            'Norway': 'Oslo', 'Turkey': 'Ankara', 'Vietnam': 'Hanoi', 'Chile': 'Santiago', 'Poland': 'Warsaw',
            'Greece': 'Athens', 'Ireland': 'Dublin', 'Portugal': 'Lisbon', 'Austria': 'Vienna', 'Cuba': 'Havana',
            'Mexico': 'Mexico City', 'India': 'New Delhi', 'China': 'Beijing'}

def capital_score(example:Example, completion:str) -> Score:
    "1 for the capital alone, 0.5 for the capital in a longer answer, 0 otherwise; the feedback says what was expected."
    text, city = completion.strip(), example.answer
    if city.lower() in text.lower():
        short = len(text) <= 3*len(city)
        return Score(1.0 if short else 0.5, 'Correct.' if short else 'Correct, but answer with the city name only.')
    return Score(0.0, f"Expected {city}, got {text[:60]!r}. Facts: {example.meta['country']} -> {city}")

def make_task() -> Task:
    "Every country once: `train_examples` of them train, the next `eval_examples` are held out."
    examples = [Example(f'cap-{c.lower()}', f'What is the capital of {c}?', city, meta={'country': c}) for c, city in CAPITALS.items()]
    return Task('capitals', examples, capital_score, seed_prompt='Answer the question.', max_new_tokens=16)
