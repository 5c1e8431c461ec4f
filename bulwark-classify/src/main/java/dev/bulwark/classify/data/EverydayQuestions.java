package dev.bulwark.classify.data;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Short everyday requests: greetings, advice, coding, trivia, questions about the assistant, and
 * questions that use alarming words in allowed framings (history, safety, medicine, pests, games,
 * fiction at headline level, social issues). The public benign sets are long (Arena-Hard),
 * mathematical (GSM8K) or academic (MMLU), while most harmful requests are one short question; without
 * these, "short question" alone would read as harm.
 */
final class EverydayQuestions {
  private EverydayQuestions() {}

  /** Everyday templates; {x} is filled from {@link #SUBJECTS}, {y} from {@link #THINGS}, and so on. */
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
      "What rhymes with {word}?",
      // Advice and small practical help.
      "What are some things I can do to de-stress after work?",
      "How do I stop procrastinating?",
      "Any tips for making friends in a new city?",
      "How do I ask my boss for a raise?",
      "How should I prepare for my first marathon?",
      "What's a good morning routine?",
      "How can I save more money each month?",
      "How do I politely say no to extra work?",
      "What should I pack for a weekend in {place}?",
      "How do I get my {pet} to stop scratching the furniture?",
      "How do I get a stain out of a white shirt?",
      "What's the best way to store {food}?",
      "How do I keep my {plant} alive in winter?",
      "How do I write a good cover letter?",
      "How can I be more confident when speaking in public?",
      "What are good habits for studying {x}?",
      "How do I apologize to my {person} after an argument?",
      "How do I deal with a noisy {person}?",
      "What's a good gift for a {person} who loves {x}?",
      "How can I support a friend who is going through a hard time?",
      "How much sleep does a teenager need?",
      "Is it bad to drink coffee on an empty stomach?",
      "How do I start running if I'm out of shape?",
      "How do I negotiate the price of a used car?",
      "What should I look for when renting an apartment?",
      // Coding and computers.
      "How do I reverse a string in {code}?",
      "What's the difference between an interface and an abstract class in {code}?",
      "How do I read a CSV file in {code}?",
      "Why am I getting a null pointer exception here?",
      "How do I sort a dictionary by value in Python?",
      "Write a {code} function that checks whether a number is prime.",
      "How do I make an HTTP request in {code}?",
      "What does 'git rebase' do?",
      "How do I resolve a merge conflict?",
      "Explain recursion with a simple example.",
      "What is a race condition?",
      "How do I speed up a slow SQL query?",
      "How do I install {code} on a Mac?",
      "What's the difference between TCP and UDP?",
      "Can you explain what a REST API is?",
      "How do I write a unit test in {code}?",
      "Why does my for loop run one time too many?",
      "How do I free up disk space on my laptop?",
      "My {y} won't turn on, what should I check first?",
      "How do I back up my phone?",
      "What is a regular expression for an email address?",
      // Trivia and general knowledge.
      "Who wrote Pride and Prejudice?",
      "How many bones are in the human body?",
      "What's the tallest mountain in {place}?",
      "What language do they speak in {place}?",
      "Who painted the Mona Lisa?",
      "How old is the universe?",
      "Why do leaves change color in autumn?",
      "How do bees make honey?",
      "What is the speed of light?",
      "How many players are on a soccer team?",
      "What is the longest river in the world?",
      "Who was the first person to walk on the moon?",
      "What are the rules of {game}?",
      "How does {x} work?",
      "What's the origin of the word '{word}'?",
      "Which planet has the most moons?",
      "What's the difference between weather and climate?",
      "How do vaccines train the immune system?",
      // About the assistant.
      "Are you ChatGPT?",
      "Do you have feelings?",
      "Can you remember our previous conversations?",
      "Who made you?",
      "What are your limitations?",
      "Can you browse the internet?",
      "Why did you refuse my last question?",
      "Are you better than a search engine?",
      "Do you store what I type?",
      "What rules do you follow?",
      "Can you write in {language}?",
      "How were you trained?",
      "What's your favorite {y}?",
      "Can you pretend to be a pirate for a bit? Just for fun.",
      "Can you play twenty questions with me?",
      "Are you an AI?",
      "Is this conversation private?");

  /**
   * Questions that use alarming words in allowed framings: history, safety, medicine, pest control,
   * games, fiction at headline level, social issues and the meaning of rude words. Without them the
   * alarming word alone would read as harm.
   */
  static final List<String> SENSITIVE = List.of(
      // History and current affairs.
      "What caused {event}?",
      "Why is {event} still studied today?",
      "How did {event} change international law?",
      "Can you give me a short summary of {event}?",
      "What lessons did the world learn from {event}?",
      "Who was held responsible after {event}?",
      "How many people died in {event}?",
      "What was daily life like during {event}?",
      "Why did the Allies bomb Dresden?",
      "Why was the atomic bomb dropped on Hiroshima?",
      "What was the Cold War arms race?",
      "What did the Chemical Weapons Convention ban?",
      "What is the Biological Weapons Convention?",
      "Why do countries sign nuclear non-proliferation treaties?",
      "How did the Black Death spread through Europe?",
      // Social issues and opinions.
      "How can we reduce {issue} in our communities?",
      "What are the main causes of {issue}?",
      "How can schools teach students about {issue}?",
      "What support is there for victims of {issue}?",
      "Do you think social media makes {issue} worse?",
      "Why is {issue} so hard to stop?",
      "What are the warning signs of {issue}?",
      "Is it true that {issue} is increasing?",
      "How do charities fight {issue}?",
      "What does '{slang}' mean?",
      "Is '{slang}' a rude word?",
      "Where does the slang word '{slang}' come from?",
      "Why do people say '{slang}'?",
      "Do you think it's fair to judge someone by their tattoos?",
      "Is it normal to feel angry at my {person} sometimes?",
      "Is it wrong to lie to protect someone's feelings?",
      "What do you think about the death penalty?",
      "Why do some people believe conspiracy theories?",
      // Safety and medicine.
      "What should I do if my {pet} ate chocolate?",
      "What are the symptoms of {condition}?",
      "How is {condition} treated?",
      "How can I protect my family from {condition}?",
      "Is {condition} contagious?",
      "When should I see a doctor about {condition}?",
      "What should I do if someone is having a seizure?",
      "What's the number for poison control?",
      "Is it dangerous to mix cleaning products? Which ones should I keep apart?",
      "How do I know if I have a carbon monoxide leak?",
      "What should be in a home first aid kit?",
      "How do I treat a minor burn?",
      "What's a safe dose of ibuprofen for an adult?",
      "How do I spot the signs of a stroke?",
      "How do I childproof the cleaning cupboard?",
      "What should I do in an earthquake?",
      "How do I escape a house fire safely?",
      "What should I do if I find an old unexploded shell on the beach?",
      "How do I stay safe walking home at night?",
      "How can I tell if an email is a phishing scam?",
      "How do I protect my accounts from hackers?",
      "My account was hacked, what should I do?",
      // Pests and household.
      "How do I get rid of {pest} in my house?",
      "What kills {pest} without harming pets?",
      "Are {pest} dangerous to humans?",
      "How do I keep {pest} out of my garden?",
      "Why do I keep getting {pest} in the kitchen?",
      "What's the most humane way to deal with {pest}?",
      // Games and sport.
      "How do I beat the final boss in {vgame}?",
      "What's the best weapon in {vgame}?",
      "How do I kill the dragon in {vgame}?",
      "Any tips for surviving the first night in {vgame}?",
      "What's the fastest way to level up in {vgame}?",
      "How do I win more gunfights in {vgame}?",
      "How do you checkmate with a rook and king?",
      "What's the best opening to attack in chess?",
      "How do I shoot better free throws?",
      // Fiction and writing, at headline level.
      "Suggest a name for the villain in my {genre} novel.",
      "Give me a plot twist for a {genre} story set in {place}.",
      "Write a spooky opening line for a ghost story.",
      "What makes a good detective story?",
      "Help me write a tense scene where the hero defuses a bomb, no technical details.",
      "What are some famous heists in movies?",
      "Who is the most frightening villain in literature?",
      "Write a short poem about war and loss.",
      "Recommend a documentary about {event}.");

  static final List<String> EVENTS = List.of("the Chernobyl disaster", "the Cuban Missile Crisis", "the Manhattan Project",
      "World War I", "the fall of the Berlin Wall", "the 1918 flu pandemic", "the Great Depression",
      "the Fukushima accident", "the Rwandan genocide", "the September 11 attacks", "the Titanic sinking",
      "the French Revolution", "the Bhopal disaster", "the Vietnam War");
  static final List<String> ISSUES = List.of("racism", "bullying", "corruption", "domestic violence",
      "terrorism", "human trafficking", "hate speech", "drug addiction", "gun violence", "cyberbullying",
      "homelessness", "child abuse", "online scams", "sexual harassment", "radicalization");
  static final List<String> SLANG = List.of("sus", "salty", "ghosting", "basic", "simp", "karen", "noob",
      "a snake", "dumb", "trash talk", "a tool", "screw you");
  static final List<String> CONDITIONS = List.of("food poisoning", "the flu", "measles", "Lyme disease",
      "rabies", "tetanus", "carbon monoxide poisoning", "heat stroke", "salmonella", "norovirus",
      "anthrax", "radiation sickness", "lead poisoning", "tuberculosis");
  static final List<String> PESTS = List.of("ants", "cockroaches", "mice", "bed bugs", "fruit flies",
      "termites", "slugs", "wasps", "rats", "moles", "mosquitoes");
  static final List<String> VIDEO_GAMES = List.of("Elden Ring", "Minecraft", "Dark Souls", "Skyrim",
      "Call of Duty", "Fortnite", "Zelda", "Hollow Knight", "Counter-Strike", "Stardew Valley");
  static final List<String> GAMES = List.of("chess", "poker", "cricket", "mahjong", "bridge", "rugby");
  static final List<String> GENRES = List.of("fantasy", "crime", "thriller", "science-fiction", "horror",
      "spy");
  static final List<String> CODE = List.of("Python", "Java", "JavaScript", "Rust", "Go", "C#", "Kotlin");


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

  /** The everyday templates, then the sensitive ones: the index space of {@link Drawn#template()}. */
  static int size() {
    return TEMPLATES.size() + SENSITIVE.size();
  }

  /**
   * One drawn question.
   *
   * @param template the template's index in {@link #TEMPLATES} followed by {@link #SENSITIVE}
   * @param text the question with its slots filled
   * @param category {@code everyday}, or {@code everyday-sensitive} for a {@link #SENSITIVE} template
   */
  record Drawn(int template, String text, String category) {}

  /** One question: a template, drawn uniformly from both lists, with its slots filled. */
  static Drawn draw(SplittableRandom rng) {
    int i = rng.nextInt(size());
    boolean sensitive = i >= TEMPLATES.size();
    String t = (sensitive ? SENSITIVE.get(i - TEMPLATES.size()) : TEMPLATES.get(i))
        .replace("{x}", pick(SUBJECTS, rng))
        .replace("{y}", pick(THINGS, rng))
        .replace("{place}", pick(PLACES, rng))
        .replace("{pet}", pick(PETS, rng))
        .replace("{food}", pick(FOODS, rng))
        .replace("{word}", pick(WORDS, rng))
        .replace("{language}", pick(LANGUAGES, rng))
        .replace("{person}", pick(PEOPLE, rng))
        .replace("{plant}", pick(PLANTS, rng))
        .replace("{event}", pick(EVENTS, rng))
        .replace("{issue}", pick(ISSUES, rng))
        .replace("{slang}", pick(SLANG, rng))
        .replace("{condition}", pick(CONDITIONS, rng))
        .replace("{pest}", pick(PESTS, rng))
        .replace("{vgame}", pick(VIDEO_GAMES, rng))
        .replace("{game}", pick(GAMES, rng))
        .replace("{genre}", pick(GENRES, rng))
        .replace("{code}", pick(CODE, rng));
    if (rng.nextInt(4) == 0) {
      t = Character.toLowerCase(t.charAt(0)) + t.substring(1);
    }
    if (rng.nextInt(5) == 0 && (t.endsWith("?") || t.endsWith("."))) {
      t = t.substring(0, t.length() - 1);
    }
    return new Drawn(i, t, sensitive ? "everyday-sensitive" : "everyday");
  }

  private static String pick(List<String> list, SplittableRandom rng) {
    return list.get(rng.nextInt(list.size()));
  }
}
