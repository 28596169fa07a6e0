"use client";

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <div className="alert error" role="alert">
      <p>Something went wrong loading this page. The shop may be briefly unavailable.</p>
      <button type="button" className="btn secondary small" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
