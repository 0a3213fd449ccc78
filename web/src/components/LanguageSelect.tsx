import { LANGUAGES } from "@codepad/shared";

interface LanguageSelectProps {
  value: string;
  onChange: (language: string) => void;
  testId: string;
  disabled?: boolean;
}

/** A <select> of the pad languages; its value is the language id. */
export function LanguageSelect({ value, onChange, testId, disabled = false }: LanguageSelectProps) {
  return (
    <select
      className="select"
      data-testid={testId}
      aria-label="Language"
      value={value}
      disabled={disabled}
      onChange={(event) => onChange(event.target.value)}
    >
      {LANGUAGES.map((language) => (
        <option key={language.id} value={language.id}>
          {language.name}
        </option>
      ))}
    </select>
  );
}
