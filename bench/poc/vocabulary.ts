/**
 * Words, languages, tags and frameworks of the generated POCs. Real words first (they get the
 * high ranks of the skewed draw), then made-up ones so the vocabulary has the long tail of
 * names a real tenant has. Deterministic: the same run twice builds the same data.
 */

const REAL_WORDS = (
  'service api gateway cache queue stream event worker scheduler parser compiler runtime cluster proxy router ' +
  'client server database index search engine model pipeline dashboard monitor metrics tracing logging auth token ' +
  'payment billing invoice report export import sync backup storage bucket upload download image video audio chat ' +
  'realtime socket websocket graph query mutation schema migration orm adapter plugin extension widget component ' +
  'layout theme mobile desktop browser terminal shell command script deploy release build test benchmark profiler ' +
  'debugger linter formatter bundler transpiler container kubernetes docker helm terraform ansible serverless lambda ' +
  'function edge cdn dns tls certificate vault secret config feature flag experiment rollout canary blue green ' +
  'recommendation ranking classifier embedding vector neural training inference dataset notebook analytics warehouse ' +
  'lakehouse etl ingestion crawler scraper bot assistant agent workflow orchestrator cron notification email sms push ' +
  'calendar booking inventory catalog cart checkout order shipping tracking map geocoding routing weather sensor iot ' +
  'firmware embedded robot drone camera vision ocr speech translation summarizer sentiment fraud anomaly forecast ' +
  'simulation game engine physics renderer shader animation editor collaborative document spreadsheet wiki blog cms ' +
  'forum comment review rating survey form validator generator template scaffold starter boilerplate prototype demo ' +
  'sandbox playground tutorial workshop kata dojo challenge puzzle solver optimizer planner allocator balancer limiter ' +
  'throttle retry circuit breaker bulkhead saga outbox inbox ledger wallet exchange market trading portfolio pricing ' +
  'quote contract signature identity profile avatar presence friend follower feed timeline story reel badge reward'
).split(' ');

const SYLLABLES = 'ka lo mi nu re sa ti vo be da fe gi ho ju ke la mo ne po qu ri su te va we xi yo za bra cle dri fro glu'.split(' ');

export function vocabulary(size = 4000): string[] {
  const words = new Set(REAL_WORDS);
  let n = 0;
  while (words.size < size) {
    // Three or four syllables, picked by the digits of a counter: plausible, distinct, stable.
    const parts = [n % 31, Math.floor(n / 31) % 31, Math.floor(n / 961) % 31, Math.floor(n / 29791) % 31];
    const length = n % 3 === 0 ? 4 : 3;
    words.add(
      parts
        .slice(0, length)
        .map((i) => SYLLABLES[i])
        .join(''),
    );
    n++;
  }
  return [...words];
}

export const LANGUAGES = ['TypeScript', 'Python', 'Go', 'Java', 'JavaScript', 'Rust', 'Kotlin', 'C#', 'Swift', 'Ruby', 'PHP', 'Scala', 'Elixir', 'C++', 'Dart', 'Haskell'];

const REAL_TAGS = (
  'api backend frontend mobile ml ai data devops security testing performance cloud aws gcp azure serverless ' +
  'microservices monolith graphql rest grpc websocket realtime streaming kafka rabbitmq redis postgres mongodb ' +
  'elasticsearch search cache auth oauth payments billing analytics observability logging tracing metrics cli tooling ' +
  'automation infra kubernetes docker ci cd iot embedded game vr ar blockchain crypto fintech healthtech edtech ' +
  'ecommerce chatbot nlp vision audio video maps scraping etl batch scheduling notifications email accessibility i18n'
).split(' ');

export function tags(size = 400): string[] {
  const out = REAL_TAGS.map((t, i) => (i % 5 === 0 ? t.toUpperCase() : t));
  for (let i = out.length; i < size; i++) out.push(`topic-${i}`);
  return out;
}

export const FRAMEWORKS = [
  'React',
  'Next.js',
  'Vue',
  'Angular',
  'Svelte',
  'Express',
  'Fastify',
  'NestJS',
  'Moleculer',
  'Django',
  'Flask',
  'FastAPI',
  'Spring Boot',
  'Quarkus',
  'Micronaut',
  'Gin',
  'Echo',
  'Fiber',
  'Actix',
  'Axum',
  'Rocket',
  'Rails',
  'Sinatra',
  'Laravel',
  'Symfony',
  'Phoenix',
  'Play',
  'Akka',
  'Ktor',
  '.NET',
  'ASP.NET',
  'Flutter',
  'SwiftUI',
  'Jetpack Compose',
  'React Native',
  'Electron',
  'Tauri',
  'PyTorch',
  'TensorFlow',
  'scikit-learn',
  'Pandas',
  'Spark',
  'Airflow',
  'dbt',
  'Kafka Streams',
  'Flink',
  'Unity',
  'Godot',
  'Bevy',
  'Three.js',
  'D3',
  'Tailwind',
  'Bootstrap',
  'Prisma',
  'Sequelize',
  'TypeORM',
  'Hibernate',
  'SQLAlchemy',
  'Celery',
  'Temporal',
];
