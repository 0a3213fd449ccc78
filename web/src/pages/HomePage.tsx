import { useEffect } from "react";
import { Logo } from "../components/Logo.tsx";
import { NewPadForm } from "../components/NewPadForm.tsx";
import { PublicPadsList } from "../components/PublicPadsList.tsx";
import { RecentPadsList } from "../components/RecentPadsList.tsx";

export function HomePage() {
  useEffect(() => {
    document.title = "Codepad · collaborative code pad";
  }, []);

  return (
    <div className="home">
      <header className="home-header">
        <span className="brand">
          <Logo size={28} />
          <span>Codepad</span>
        </span>
      </header>
      <main className="home-main">
        <section className="hero">
          <h1>Write code together, in real time.</h1>
          <p className="hero-lead">
            Create a pad, share its link, and everyone edits the same code live: cursors, chat and
            syntax highlighting included. No sign-up; pads are removed after a while without
            activity.
          </p>
          <NewPadForm />
        </section>
        <div className="home-lists">
          <RecentPadsList />
          <PublicPadsList />
        </div>
      </main>
    </div>
  );
}
