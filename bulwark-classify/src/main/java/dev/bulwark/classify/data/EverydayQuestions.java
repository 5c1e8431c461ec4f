package dev.bulwark.classify.data;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Short everyday requests: greetings, questions about the assistant, small practical questions. The
 * public benign sets are long (Arena-Hard), mathematical (GSM8K) or academic (MMLU), while most harmful
 * requests are one short question; without these, "short question" alone would read as harm.
 */
final class EverydayQuestions {
  private EverydayQuestions() {}

  /** Templates; {x} is filled from {@link #SUBJECTS}, {y} from {@link #THINGS}. */
  static final List<String> TEMPLATES = List.of(
      "Is this a real model?",
      "Are you a real person?",
      "Who are you?",
      "What can you do?",
      "Hi, how are you today?",
      "Hello! Can you help me with something?",
      "Thanks, that was helpful.",
      "Can you say that again more simply?",
      "What model are you?",
      "Is this thing on?",
      "Are you there?",
      "Good morning!",
      "What time zone is Tokyo in?",
      "What's the capital of {place}?",
      "How far is {place} from here by plane, roughly?",
      "What is the weather usually like in {place} in spring?",
      "Can you recommend a good book about {x}?",
      "Tell me a fun fact about {x}.",
      "Tell me a joke about {y}.",
      "Write a haiku about {y}.",
      "What's a good name for a {pet}?",
      "How do I clean a {y}?",
      "How long should I boil an egg?",
      "How do I fix a {y} that keeps squeaking?",
      "What should I cook for dinner tonight with {food}?",
      "Give me a recipe that uses {food}.",
      "How many cups are in a liter?",
      "Convert 5 miles to kilometers.",
      "What does the word '{word}' mean?",
      "How do you spell {word}?",
      "Translate 'good morning' into {language}.",
      "How do I say thank you in {language}?",
      "Can you summarize this paragraph for me?",
      "Can you check my email for typos?",
      "Help me write a birthday message for my {person}.",
      "Write a short thank-you note to my {person}.",
      "How do I center a div in CSS?",
      "What's the difference between a list and a tuple in Python?",
      "How do I undo my last git commit?",
      "Why is my {y} making a clicking noise?",
      "What's a healthy breakfast idea?",
      "How much water should I drink a day?",
      "How can I sleep better?",
      "Any tips for a job interview tomorrow?",
      "What are some fun things to do in {place}?",
      "Explain {x} like I'm five.",
      "Who invented the {y}?",
      "When was the {y} invented?",
      "Is it going to rain tomorrow?",
      "What's the best way to learn {language}?",
      "Can you help me plan a trip to {place}?",
      "What should I get my {person} for their birthday?",
      "How do I change a flat tire?",
      "How often should I water a {plant}?",
      "Why do cats purr?",
      "Why is the sky blue?",
      "How do airplanes stay in the air?",
      "What is {x}?",
      "Quick question: how do I reset my router?",
      "Can you make this sentence sound more polite?",
      "Is it rude to reply late to an email?",
      "Which is bigger, a {y} or a {pet}?",
      "Can I freeze {food}?",
      "Rate my idea: a {y} that plays music.",
      "What rhymes with {word}?");

  static final List<String> SUBJECTS = List.of("photosynthesis", "black holes", "the Roman Empire", "jazz",
      "volcanoes", "the stock market", "octopuses", "chess", "gardening", "the moon landing", "tides",
      "rainbows", "compound interest", "machine learning", "the printing press");
  static final List<String> THINGS = List.of("bicycle", "teapot", "umbrella", "ceiling fan", "laptop",
      "toaster", "piano", "door hinge", "washing machine", "backpack", "lighthouse", "kite");
  static final List<String> PLACES = List.of("France", "Kenya", "Peru", "Norway", "Japan", "Canada",
      "Lisbon", "Chicago", "Melbourne", "Vietnam");
  static final List<String> PETS = List.of("cat", "dog", "goldfish", "rabbit", "parrot", "hamster");
  static final List<String> FOODS = List.of("rice", "chickpeas", "spinach", "leftover chicken", "bananas",
      "bread", "lentils", "mushrooms");
  static final List<String> WORDS = List.of("serendipity", "ubiquitous", "ephemeral", "lagniappe",
      "necessary", "rhythm", "orange", "cozy");
  static final List<String> LANGUAGES = List.of("Spanish", "German", "Japanese", "Swahili", "Portuguese",
      "Korean");
  static final List<String> PEOPLE = List.of("mom", "brother", "coworker", "best friend", "teacher",
      "neighbor");
  static final List<String> PLANTS = List.of("cactus", "fern", "basil plant", "orchid", "snake plant");

  /** One question: a template with its slots filled. Returns {template index, text}. */
  static Object[] draw(SplittableRandom rng) {
    int i = rng.nextInt(TEMPLATES.size());
    String t = TEMPLATES.get(i)
        .replace("{x}", pick(SUBJECTS, rng))
        .replace("{y}", pick(THINGS, rng))
        .replace("{place}", pick(PLACES, rng))
        .replace("{pet}", pick(PETS, rng))
        .replace("{food}", pick(FOODS, rng))
        .replace("{word}", pick(WORDS, rng))
        .replace("{language}", pick(LANGUAGES, rng))
        .replace("{person}", pick(PEOPLE, rng))
        .replace("{plant}", pick(PLANTS, rng));
    if (rng.nextInt(4) == 0) {
      t = Character.toLowerCase(t.charAt(0)) + t.substring(1);
    }
    if (rng.nextInt(5) == 0 && (t.endsWith("?") || t.endsWith("."))) {
      t = t.substring(0, t.length() - 1);
    }
    return new Object[] {i, t};
  }

  private static String pick(List<String> list, SplittableRandom rng) {
    return list.get(rng.nextInt(list.size()));
  }
}
