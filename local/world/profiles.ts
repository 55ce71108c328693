// How an image behaves in the simulated world. `cutover local push --profile`
// records the profile in the image's manifest annotations; tasks running the image
// start, pass health checks and answer requests accordingly: the simulated production traffic
// (traffic.ts), and requests sent through the local load balancer (data-plane.ts), such as a
// smoke-test hook's.

export interface ImageProfile {
  name: string;
  /** Share of requests answered 5xx. */
  errorRate: number;
  /** Response time distribution (log-normal), in milliseconds. */
  latency: { medianMs: number; p99Ms: number };
  startupSeconds: number;
  failsToStart: boolean;
  failsHealthChecks: boolean;
  /**
   * What the app's smoke-test endpoint (`GET /smoke`, which checks what the app needs to serve)
   * answers with a 500; undefined, it answers 200. Production traffic never asks it.
   */
  smokeFailure?: string;
}

/** The path of the simulated app's smoke-test endpoint. */
export const SMOKE_PATH = '/smoke';

export const PROFILES = {
  healthy: profile('healthy', 0.002, 40, 150),
  /** Starts and passes health checks, then answers a quarter of requests with 5xx. */
  faulty: profile('faulty', 0.25, 45, 180),
  /** No more errors than healthy, but three times slower. */
  slow: profile('slow', 0.002, 130, 520),
  /** Never starts: the essential container exits. */
  crashing: { ...profile('crashing', 0, 40, 150), failsToStart: true },
  /** Starts, then fails the load balancer's health checks. */
  unhealthy: { ...profile('unhealthy', 0, 40, 150), failsHealthChecks: true },
  /** Healthy under traffic (its metrics are healthy's), but its smoke-test endpoint answers 500. */
  'smoke-fails': {
    ...profile('smoke-fails', 0.002, 40, 150),
    smokeFailure: 'checkout cannot reach the payments service: PAYMENTS_URL is not set',
  },
} satisfies Record<string, ImageProfile>;

export type ProfileName = keyof typeof PROFILES;

export function isProfileName(name: string): name is ProfileName {
  return Object.hasOwn(PROFILES, name);
}

/** The manifest annotation that carries an image's profile. */
export const PROFILE_ANNOTATION = 'dev.cutover.local.profile';

function profile(name: string, errorRate: number, medianMs: number, p99Ms: number): ImageProfile {
  return {
    name,
    errorRate,
    latency: { medianMs, p99Ms },
    startupSeconds: 15,
    failsToStart: false,
    failsHealthChecks: false,
  };
}
