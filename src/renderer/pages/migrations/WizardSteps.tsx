const STEPS = ['Choose file', 'Preview each entry', 'Apply', 'Result'] as const;

/** The import's steps, numbered and separated; the current one is marked for eyes and screen readers alike. */
export function WizardSteps({ current }: { current: number }) {
  return (
    <ol className="wizard-steps" aria-label="Import steps">
      {STEPS.map((label, index) => (
        <li key={label} className={index < current ? 'done' : index === current ? 'current' : undefined} aria-current={index === current ? 'step' : undefined}>
          <span className="wizard-step-number">{index + 1}.</span> {label}
        </li>
      ))}
    </ol>
  );
}
