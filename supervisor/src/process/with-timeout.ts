/** Resolves or rejects as `promise` does, or with `onTimeout()`'s value/error after `ms`. */
export function withTimeout<T, U = never>(promise: Promise<T>, ms: number, onTimeout: () => U | Error): Promise<T | U> {
  return new Promise<T | U>((resolve, reject) => {
    const timer = setTimeout(() => {
      const value = onTimeout();
      if (value instanceof Error) reject(value);
      else resolve(value);
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
